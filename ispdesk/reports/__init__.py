"""Documents drawn with reportlab: contracts for signature and report PDFs."""
