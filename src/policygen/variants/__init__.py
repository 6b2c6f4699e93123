"""Apply a variant: an organisation's file read and laid over the base, by pure steps."""
