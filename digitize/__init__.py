"""digitize: turns scanned Vietnamese administrative dossiers into searchable, typed records."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digitize")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"

PIPELINE_VERSION = __version__
