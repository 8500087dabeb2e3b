"""The dashboard inbox: reports delivered to a user, newest first, read or unread (the inbox channel writes here)."""
