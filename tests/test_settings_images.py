"""Settings images named by URL: `refresh` fetches them into the cache (from a real HTTP server
on 127.0.0.1), `build` shows them from there, sanitised, and never links to another site."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from helpers import catalog, dump, item
from torchscape.cli import main
from torchscape.sources.settings_images import FOLDER

LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><script>alert(1)</script>'
    b'<rect width="120" height="40" fill="#ee4c2c" onclick="alert(2)"/></svg>'
)


def _icon() -> bytes:
    output = io.BytesIO()
    Image.new("RGBA", (32, 32), (238, 76, 44, 255)).save(output, format="ICO", sizes=[(32, 32)])
    return output.getvalue()


class Files:
    """path -> body, served on 127.0.0.1; anything else is a 404. Requests are counted."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                body = owner.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def files() -> Iterator[Files]:
    served = Files({"/logo.svg": LOGO, "/favicon.ico": _icon()})
    yield served
    served.close()


def _landscape(folder: Path, files: Files) -> tuple[Path, Path]:
    data = folder / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    settings = folder / "settings.yml"
    settings.write_text(
        dump(
            {
                "foundation": "F",
                "url": "https://f.example",
                "header": {"logo": files.url("/logo.svg")},
                "images": {"favicon": files.url("/favicon.ico"), "open_graph": files.url("/gone.png")},
            }
        ),
        encoding="utf-8",
    )
    return data, settings


def test_refresh_fetches_them_and_build_shows_them_sanitised(
    tmp_path: Path, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    data, settings = _landscape(tmp_path, files)
    cache, out = tmp_path / "cache", tmp_path / "site"
    flags = ["--data-file", str(data), "--settings-file", str(settings), "--cache-dir", str(cache)]

    # Before any refresh: left out, and the build says how to get them.
    assert main(["build", *flags, "--output-dir", str(out)]) == 0
    said = capsys.readouterr().out
    assert "note: settings header.logo is a URL" in said and "until `torchscape refresh` fetches it" in said
    assert 'class="brand-mark"' in (out / "index.html").read_text(encoding="utf-8")

    assert main(["refresh", "--only", "images", *flags]) == 0  # two of three fetched
    said = capsys.readouterr().out
    assert "settings images: 3 wanted, 2 fetched, 0 unchanged, 1 failed" in said
    assert "images.open_graph" in said and "HTTP 404" in said
    assert sorted(files.requests) == ["/favicon.ico", "/gone.png", "/logo.svg"]

    assert main(["build", *flags, "--output-dir", str(out)]) == 0  # not "unchanged": images came
    said = capsys.readouterr().out
    assert "nothing changed" not in said and "header.logo" not in said
    assert "images.open_graph is a URL" in said  # still missing
    html = (out / "index.html").read_text(encoding="utf-8")
    header = html.split('class="brand brand-image"')[1].split("</a>")[0]
    logo = header.split('src="')[1].split('"')[0]
    assert logo.startswith("logos/") and logo.endswith(".svg")
    served = (out / logo).read_bytes()
    assert b"<script" not in served and b"onclick" not in served and b"#ee4c2c" in served
    favicon = html.split('<link rel="icon" href="')[1].split('"')[0]
    assert favicon.startswith("logos/") and favicon.endswith(".png")  # the .ico, as PNG
    assert Image.open(out / favicon).size == (32, 32)
    assert "og:image" not in html
    for page in out.rglob("*.html"):  # never linked to where it came from, on any page
        assert files.url("/") not in page.read_text(encoding="utf-8"), page

    # Fresh copies are not fetched again; the missing one is asked for again.
    files.requests.clear()
    assert main(["refresh", "--only", "images", *flags]) == 0
    assert "3 wanted, 0 fetched, 2 unchanged, 1 failed" in capsys.readouterr().out
    assert files.requests == ["/gone.png"]


def test_logos_given_as_urls_are_fetched_by_refresh_and_shown_from_the_cache(
    tmp_path: Path, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    """landscapeapp's `logo: https://...` (CNCF's 2020 data has 311): a monogram until
    `refresh` fetches the file; then the build shows it, sanitised, from the cache."""
    data = tmp_path / "landscape.yml"
    entries = [
        item(logo=files.url("/brand/alpha-logo.svg")),
        item("Beta", homepage_url="https://b.example", logo=files.url("/gone.svg")),
    ]
    data.write_text(dump(catalog(*entries)), encoding="utf-8")
    files.files["/brand/alpha-logo.svg"] = LOGO
    (tmp_path / "logos").mkdir()  # (without a logos folder the build names only that)
    cache, out = tmp_path / "cache", tmp_path / "site"
    flags = ["--data-file", str(data), "--cache-dir", str(cache)]
    assert main(["build", *flags, "--output-dir", str(out)]) == 0
    said = capsys.readouterr().out
    assert "alpha: is a URL not fetched yet (`torchscape refresh` fetches it)" in said
    assert main(["refresh", "--only", "images", *flags]) == 0
    said = capsys.readouterr().out
    assert "logos given as URLs: 2 wanted, 1 fetched, 0 unchanged, 1 failed" in said and "HTTP 404" in said
    assert main(["build", *flags, "--output-dir", str(out)]) == 0
    said = capsys.readouterr().out
    assert "alpha:" not in said and "beta: is a URL not fetched yet" in said
    page = (out / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    logo = page.split('<div class="item-logo"><img src="../../')[1].split('"')[0]
    assert logo.startswith("logos/alpha-logo.") and logo.endswith(".svg")
    served = (out / logo).read_bytes()
    assert b"<script" not in served and b"onclick" not in served and b"#ee4c2c" in served
    for page_file in out.rglob("*.html"):
        assert files.url("/") not in page_file.read_text(encoding="utf-8"), page_file


def test_a_refetched_image_makes_the_next_build_render_again(tmp_path: Path, files: Files) -> None:
    data, settings = _landscape(tmp_path, files)
    cache, out = tmp_path / "cache", tmp_path / "site"
    flags = ["--data-file", str(data), "--settings-file", str(settings), "--cache-dir", str(cache)]
    assert main(["refresh", "--only", "images", *flags]) == 0
    assert main(["build", *flags, "--output-dir", str(out)]) == 0
    before = (out / "index.html").read_text(encoding="utf-8")
    files.files["/logo.svg"] = LOGO.replace(b"#ee4c2c", b"#812ce5")
    assert main(["refresh", "--only", "images", "--max-age", "0", *flags]) == 0
    assert main(["build", *flags, "--output-dir", str(out)]) == 0
    after = (out / "index.html").read_text(encoding="utf-8")
    assert before != after  # the header names the new logo file
    new_logo = after.split('class="brand brand-image"')[1].split('src="')[1].split('"')[0]
    assert b"#812ce5" in (out / new_logo).read_bytes()
    assert len(list((cache / FOLDER).iterdir())) == 2  # favicon and logo; the 404 left nothing


def test_a_cache_it_cannot_write_to_is_a_failure_line_not_a_traceback(
    tmp_path: Path, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    data, settings = _landscape(tmp_path, files)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / FOLDER).write_text("a file where the folder goes", encoding="utf-8")
    flags = ["--data-file", str(data), "--settings-file", str(settings), "--cache-dir", str(cache)]
    assert main(["refresh", "--only", "images", *flags]) == 1  # nothing could be kept
    said = capsys.readouterr().out
    assert "3 wanted, 0 fetched, 0 unchanged, 3 failed" in said
    assert "header.logo" in said and "could not be saved in" in said


def test_images_named_by_a_path_are_read_from_beside_the_settings_never_from_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "landscape"
    (folder / "assets").mkdir(parents=True)
    (folder / "assets" / "logo.svg").write_bytes(LOGO)
    (tmp_path / "secret.svg").write_bytes(LOGO.replace(b"#ee4c2c", b"#123456"))
    (folder / "assets" / "link.svg").symlink_to(tmp_path / "secret.svg")
    data = folder / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    settings = folder / "settings.yml"
    images = {"favicon": "assets/link.svg", "open_graph": "../secret.svg"}
    settings.write_text(
        dump(
            {
                "foundation": "F",
                "url": "https://f.example",
                "header": {"logo": "./assets/logo.svg"},
                "images": images,
            }
        ),
        encoding="utf-8",
    )
    out, cache = tmp_path / "site", tmp_path / "cache"
    flags = ["--data-file", str(data), "--cache-dir", str(cache), "--output-dir", str(out)]
    assert main(["build", *flags]) == 0
    said = capsys.readouterr().out
    assert "settings images.favicon (assets/link.svg) is left out: a link to a file outside" in said
    assert "settings images.open_graph (../secret.svg) is left out: a path outside" in said
    html = (out / "index.html").read_text(encoding="utf-8")
    logo = html.split('class="brand brand-image"')[1].split('src="')[1].split('"')[0]
    served = (out / logo).read_bytes()
    assert b"<script" not in served and b"onclick" not in served and b"#ee4c2c" in served
    assert all(b"#123456" not in p.read_bytes() for p in out.rglob("*") if p.is_file())

    # The file is an input of the build: a change to it is built, not taken as "nothing changed".
    assert main(["build", *flags]) == 0
    assert "nothing changed" in capsys.readouterr().out
    (folder / "assets" / "logo.svg").write_bytes(LOGO.replace(b"#ee4c2c", b"#00aa00"))
    assert main(["build", *flags]) == 0
    assert "nothing changed" not in capsys.readouterr().out
    html = (out / "index.html").read_text(encoding="utf-8")
    logo = html.split('class="brand brand-image"')[1].split('src="')[1].split('"')[0]
    assert b"#00aa00" in (out / logo).read_bytes() or b"#0a0" in (out / logo).read_bytes()


def test_validate_warns_of_a_settings_image_file_that_is_not_there(tmp_path: Path) -> None:
    import torchscape
    from torchscape.errors import Code, Severity

    data, settings = _one_item(tmp_path, {"header": {"logo": "./assets/gone.svg"}})
    problems = torchscape.check(data, settings).problems
    assert [(p.code, p.severity, p.field) for p in problems] == [
        (Code.LOGO_MISSING, Severity.WARNING, "header.logo")
    ]
    assert (
        "'./assets/gone.svg' is left out of the site: no such file beside the settings file"
        in problems[0].message
    )


def test_a_settings_image_path_naming_a_pipe_or_a_folder_is_left_out_without_waiting(tmp_path: Path) -> None:
    import os

    from torchscape.sources.settings_images import read_image_file

    os.mkfifo(tmp_path / "pipe")  # opening it for reading would wait for a writer forever
    (tmp_path / "folder").mkdir()
    for name in ("pipe", "folder"):
        data, why = read_image_file(tmp_path, name)
        assert data is None and why.startswith("not a regular file"), name


def test_a_settings_image_path_with_a_nul_is_left_out_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    (tmp_path / "settings.yml").write_text(
        'foundation: F\nurl: https://f.example\nheader:\n  logo: "ok.svg\\0../x"\n', encoding="utf-8"
    )
    out = tmp_path / "site"
    assert (
        main(
            ["build", "--data-file", str(data), "--output-dir", str(out), "--cache-dir", str(tmp_path / "c")]
        )
        == 0
    )
    assert "is left out: a path outside the settings file's folder" in capsys.readouterr().out


def test_the_footer_logo_is_shown_from_a_file_beside_the_settings(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "footer.svg").write_bytes(LOGO)
    data, _ = _one_item(tmp_path, {"footer": {"logo": "assets/footer.svg"}})
    out = tmp_path / "site"
    flags = ["--data-file", str(data), "--cache-dir", str(tmp_path / "cache"), "--output-dir", str(out)]
    assert main(["build", *flags]) == 0
    for page in ("index.html", f"projects/{next(iter(torchscape_ids(data)))}/index.html"):
        footer = (out / page).read_text(encoding="utf-8").split('<footer class="footer">')[1]
        src = footer.split('class="footer-logo" src="')[1].split('"')[0]
        assert src.startswith(("logos/footer-logo.", "../../logos/footer-logo.")), src
        assert b"#ee4c2c" in (out / page).parent.joinpath(src).read_bytes()


def torchscape_ids(data: Path) -> list[str]:
    import torchscape

    return [entry.id for entry in torchscape.load(data)]


def _one_item(folder: Path, settings: dict[str, object]) -> tuple[Path, Path]:
    """A landscape of one item in `folder`, with these settings (and a foundation and url)."""
    data, path = folder / "landscape.yml", folder / "settings.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    path.write_text(dump({"foundation": "F", "url": "https://f.example", **settings}), encoding="utf-8")
    return data, path
