"""The share page stored beside each video and poster (`page.py`, `page.html`)."""
