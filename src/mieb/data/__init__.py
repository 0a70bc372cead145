"""Data: loading task datasets, decoding and resizing images, and the synthetic offline world."""
