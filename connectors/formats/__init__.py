"""Feed parsers. Each turns one document into a `ParsedFeed`: source fields, column-wise."""

from connectors.formats.csv_feed import parse_csv_feed
from connectors.formats.documents import FeedFormatError, TooManyRecords
from connectors.formats.json_feed import parse_json_feed
from connectors.formats.xml_feed import parse_xml_feed

__all__ = [
    "FeedFormatError",
    "TooManyRecords",
    "parse_csv_feed",
    "parse_json_feed",
    "parse_xml_feed",
]
