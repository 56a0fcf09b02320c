"""Helpers the page tests share: fetch a page, count its queries, check the order of texts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page(client, url, data=None) -> str:
    """The page's HTML, having checked it answered 200."""
    response = client.get(url, data)
    assert response.status_code == 200
    return response.content.decode()


def count_queries(client, url, data=None) -> int:
    """The queries one request of the page makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
        if response.streaming:
            # A streamed download runs its queries as it is read.
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries.captured_queries)


def in_order(content: str, *texts: str) -> bool:
    positions = [content.index(text) for text in texts]
    return positions == sorted(positions)
