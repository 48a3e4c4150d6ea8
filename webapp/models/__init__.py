"""All mapped classes, imported so `Base.metadata` knows every table."""
