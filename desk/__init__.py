"""The people's side of dragoman: command line (and, later, HTTP API and review UI)."""
