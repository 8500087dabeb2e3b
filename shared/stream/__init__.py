"""Live status: the stream's connections and the job and delivery updates pushed to them."""
