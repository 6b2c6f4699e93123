"""Load and check: content files read safely, with every problem located."""
