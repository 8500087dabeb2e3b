"""Report documents and their renderers: PDF (fpdf2), CSV (streamed), XLSX (openpyxl write-only)."""
