from dagster import Definitions

from pipelines.defs.feeds.assets import raw_feeds
from pipelines.defs.feeds.checks import sources_held_check, sources_read_check

defs = Definitions(assets=[raw_feeds], asset_checks=[sources_read_check, sources_held_check])
