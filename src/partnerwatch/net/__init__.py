"""HTTP for the data-API connectors: retries, backoff, Retry-After, resumable paging."""
