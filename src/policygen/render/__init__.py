"""Render: editions in; pages and PDFs out (the one render stage, stage.py)."""
