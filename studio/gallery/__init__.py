"""The gallery: records, the store (items, blobs, conversations), search, thumbnails, PNG metadata."""
