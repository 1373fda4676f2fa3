"""The sync service: taking in events and driving each order to its invoice."""
