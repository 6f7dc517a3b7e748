"""Deal registration: built by its own issue (see README, 'Roadmap')."""
