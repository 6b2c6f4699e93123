"""The commands built on the stages: serve, notify and approve, fork."""
