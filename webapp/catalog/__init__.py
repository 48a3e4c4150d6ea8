"""The admin catalog: skills, skill categories, assessment types and categories, learning resources."""
