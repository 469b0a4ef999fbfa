"""When Anki asks for a full sync, llmcards stops and explains; --upload/--download decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcards.exchange.anki_mirror import COLLECTION_FILE, SyncFailure
from llmcards.exchange.sync_login import sync_folder
from tests.sync.conftest import Server
from tests.sync.helpers import Machine, Phone


def _break_common_history(db_path: Path) -> None:
    """What a note type edited in Anki does: the mirror's schema changes."""
    from anki.collection import Collection

    col = Collection(str(sync_folder(db_path) / COLLECTION_FILE))
    col.set_schema_modified()
    col.close()


@pytest.mark.parametrize("direction", ["download", "upload"])
def test_a_full_sync_waits_for_the_user_then_loses_nothing(
    tmp_path: Path, server: Server, notes: Path, direction: str
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.rate("Dropout", 3)
    laptop.sync()
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    phone.study([3, 4], deck="nlp")
    phone.sync()
    _break_common_history(laptop.path)
    laptop.rate("PPO", 3)

    with pytest.raises(SyncFailure, match="full sync") as failed:
        laptop.sync()
    assert "--download" in str(failed.value) and "--upload" in str(failed.value)
    assert laptop.review_count() == 2  # nothing was pulled or changed

    report = laptop.sync(direction)
    assert report.full_sync == direction
    assert len(report.backups) == 2 and all(Path(p).exists() for p in report.backups)
    if direction == "download":
        assert laptop.review_count() == 4  # the phone's two reviews came with the server's copy
    else:
        assert laptop.review_count() == 2  # the server's copy was replaced by the mirror's
    assert not laptop.sync().changed
    laptop.close()
    phone.close()
