"""MongoDB repositories: the only code that talks to MongoDB."""
