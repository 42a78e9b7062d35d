import json

import pytest

from yumroad.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "hash": "0", "paths": {"css/site.css": "css/site.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_url_is_the_manifests_every_time(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
