"""digitize: turns scanned Vietnamese administrative dossiers into searchable, typed records."""

__version__ = "0.17.0"
"""The release, written here only: the package metadata reads it from this line, and every
command knows it without looking the installed metadata up (a slow import at each start)."""

PIPELINE_VERSION = __version__
