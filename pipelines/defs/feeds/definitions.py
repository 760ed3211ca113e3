from dagster import Definitions

from pipelines.defs.feeds.assets import raw_feeds

defs = Definitions(assets=[raw_feeds])
