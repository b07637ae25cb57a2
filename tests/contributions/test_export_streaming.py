"""A call's zip holds a batch of version texts at a time, whatever the length of a history."""

import io
import zipfile

from django.db.models import QuerySet

from contributions import exports
from resources.models import ResourceVersion

from .conftest import edit


def test_versions_are_streamed_a_batch_at_a_time_between_written_chunks(
    resource, bob, charlie, monkeypatch
):
    monkeypatch.setattr(exports, "VERSION_BATCH", 4)
    for n in range(11):  # 12 versions
        resource.refresh_from_db()
        edit(resource, bob if n % 2 else charlie, resource.latest_version.content + f"\nMot {n}\n")

    chunked = []
    iterator = QuerySet.iterator

    def spy_iterator(self, chunk_size=None):
        if self.model is ResourceVersion:
            chunked.append(chunk_size)
        return iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy_iterator)
    sent, batches = [], []
    load_contents = exports.reading.load_contents

    def spy_load_contents(versions):
        versions = list(versions)
        batches.append((len(versions), len(sent)))
        load_contents(versions)

    monkeypatch.setattr(exports.reading, "load_contents", spy_load_contents)
    for chunk in exports.call_archive(resource.call):
        sent.append(chunk)

    # The versions come from one chunked iterator (a server-side cursor on PostgreSQL),
    # their texts three batches of four, and bytes leave between two batches.
    assert chunked == [4]
    assert [size for size, _ in batches] == [4, 4, 4]
    sent_before = [count for _, count in batches]
    assert sent_before[0] < sent_before[1] < sent_before[2] < len(sent)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(sent)))
    for version in resource.versions.all():
        body = archive.read(f"{resource.slug}/versions/v{version.number:04d}.md").decode()
        assert body.endswith(version.content)
