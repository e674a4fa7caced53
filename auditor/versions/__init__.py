"""Version parsing and ordering, one scheme per ecosystem (see ``registry``)."""
