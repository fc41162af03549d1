"""Schemas of what digitize writes for other systems: the Decree 30 metadata XML of an export."""
