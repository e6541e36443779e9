from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from breachdesk.incidents import playbook


def test_the_default_playbook_covers_the_four_steps_with_titles_in_both_languages() -> None:
    tasks = playbook.load_playbook()
    assert {t.phase for t in tasks} == {"discover", "grasp", "announce", "follow_up"}
    assert all({"ja", "en"} <= set(t.titles) for t in tasks)
    assert tasks[0].key == "contain"  # containment comes first


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"phase": "grasp", "owner_role": "lead", "title": {"ja": "x"}}, "'key' is required"),
        ({"key": "a", "phase": "nowhere", "owner_role": "lead", "title": {"ja": "x"}}, "unknown phase"),
        ({"key": "a", "phase": "grasp", "owner_role": "boss", "title": {"ja": "x"}}, "unknown owner_role"),
        ({"key": "a", "phase": "grasp", "owner_role": "lead", "title": {"en": "x"}}, "'ja' entry"),
        (
            {"key": "a", "phase": "grasp", "owner_role": "lead", "title": {"ja": "x"}, "when": {"moon": 1}},
            "unknown condition",
        ),
    ],
)
def test_a_broken_playbook_is_refused_naming_the_task(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: dict[str, object], message: str
) -> None:
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump({"tasks": [task]}), encoding="utf-8")
    monkeypatch.setattr(playbook, "PLAYBOOK_DIR", tmp_path)
    playbook.load_playbook.cache_clear()
    try:
        with pytest.raises(playbook.PlaybookError, match=message):
            playbook.load_playbook("broken")
    finally:
        playbook.load_playbook.cache_clear()
