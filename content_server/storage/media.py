"""Statements of the media feature: categories, uploads, videos and their transcode jobs.

A video's renditions live in DataRoot.rendition_dir(id):
  master.m3u8                      master playlist (lowest video rung first)
  <rung>/index.m3u8, <rung>/seg_00000.ts …   one folder per video rung, e.g. 234p, 360p
  audio_<lang>/index.m3u8 + segments          one folder per audio language (zh, mn)
  audio_only/…                                the audio-only rung for the thinnest links
  subs_<lang>/index.m3u8 + .vtt segments      WebVTT subtitles per language
The `ladder` column lists the rungs actually made:
  [{"name": "360p", "width": 640, "height": 360, "bandwidth": 400000, "codecs": "..."}]
"""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE categories (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE videos (
        id TEXT PRIMARY KEY,
        category TEXT NOT NULL REFERENCES categories(id),
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        summary_zh TEXT NOT NULL DEFAULT '',
        summary_mn TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed', 'cancelled')),
        progress REAL NOT NULL DEFAULT 0,
        error TEXT,
        duration REAL,
        audio_languages TEXT NOT NULL DEFAULT '["zh","mn"]',
        subtitle_languages TEXT NOT NULL DEFAULT '[]',
        ladder TEXT NOT NULL DEFAULT '[]',
        segment_seconds REAL NOT NULL DEFAULT 6,
        publish_from TEXT,
        publish_until TEXT,
        created_at REAL NOT NULL,
        ready_at REAL
    );
    CREATE INDEX videos_ready ON videos (status, publish_from, publish_until);
    """,
]
