"""Where corpus outputs and stage checkpoints live: a local folder, or a folder on HDFS or S3.

An output location is given as a plain local path or as a URI:

- ``file:///abs/path`` (or a plain path): this machine's file system;
- ``hdfs://namenode:8020/path``: HDFS, read and written by the driver through Arrow's
  ``HadoopFileSystem`` (libhdfs, which needs Java and the Hadoop jars) and by the executors
  through Hadoop's own client;
- ``s3a://bucket/path``: S3 or an S3-compatible store, read and written by the driver through
  Arrow's ``S3FileSystem`` (Arrow's name for it is ``s3://``) and by the executors through
  Hadoop's S3A connector (``hadoop-aws``).

:func:`parse_location` checks the text and names the file system without touching it (so a
bad scheme is refused before any work starts); :meth:`LocationSpec.open` connects. A
:class:`Location` then reads and writes through the file system, and gives Spark the URI of
the same place (:attr:`Location.uri`): a local path is given to Spark as ``file://...`` so
that a cluster whose default file system is HDFS does not read it as an HDFS path.

Writes are atomic per file: on a local file system and on HDFS a file is written under a
hidden temporary name and renamed into place; on S3 an object appears only when its upload
completes (and one whose upload failed is deleted). Folders are not renamed on S3 (a rename
there is a copy of every object): :mod:`wiretrace.corpus.stages` commits a stage by its
marker file instead (:attr:`Location.renames`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from wiretrace.errors import OutputError
from wiretrace.fileio import temporary_name

# The URI schemes an output location may have ("" is a plain local path).
SCHEMES = ("file", "hdfs", "s3a")
SUPPORTED = "a local path, file:///abs/path, hdfs://namenode:port/path or s3a://bucket/path"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")
_HINTS = {
    "s3": "use s3a://bucket/path (Hadoop's S3A connector; Arrow reads the same objects)",
    "s3n": "use s3a://bucket/path (s3n was removed from Hadoop)",
}


@dataclass(frozen=True, slots=True)
class LocationSpec:
    """A checked output location, not yet connected: ``scheme`` (``file``, ``hdfs`` or
    ``s3a``), ``authority`` (namenode ``host:port`` or bucket; empty for ``file``) and
    ``path`` (absolute for ``file`` and ``hdfs``; the key prefix for ``s3a``)."""

    scheme: str
    authority: str
    path: str
    text: str

    @property
    def local(self) -> bool:
        """Whether the location is on this machine's file system."""
        return self.scheme == "file"

    @property
    def uri(self) -> str:
        """The location as Hadoop (and so Spark) names it."""
        return f"{self.scheme}://{self.authority}{self.path}"

    def open(self) -> Location:
        """Connect to the file system. Raises :class:`OutputError` when it cannot be reached
        (for HDFS: no Java or no libhdfs on this machine)."""
        if self.scheme == "file":
            return Location(pafs.LocalFileSystem(), self.path, "file://", renames=True)
        if self.scheme == "hdfs":
            try:
                fs, path = pafs.FileSystem.from_uri(f"hdfs://{self.authority}{self.path}")
            except (OSError, pa.ArrowException) as exc:
                raise OutputError(
                    f"{self.text}: cannot connect to HDFS ({first_line(exc)}); the driver "
                    "reaches HDFS through Arrow's libhdfs, which needs JAVA_HOME, HADOOP_HOME "
                    "(or ARROW_LIBHDFS_DIR) and the Hadoop jars in CLASSPATH "
                    "(CLASSPATH=$(hadoop classpath --glob)); see docs/spark.md"
                ) from exc
            return Location(fs, path, f"hdfs://{self.authority}", renames=True)
        # Region and credentials come from the AWS environment variables and configuration
        # files (from_uri would ask AWS for the bucket's region instead). Arrow does not read
        # the endpoint variables itself: they are passed on here (S3-compatible stores).
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        try:
            s3 = pafs.S3FileSystem(endpoint_override=endpoint or None)
        except (OSError, pa.ArrowException) as exc:  # pragma: no cover - Arrow built without S3
            raise OutputError(f"{self.text}: cannot use S3 ({first_line(exc)})") from exc
        return Location(s3, f"{self.authority}{self.path}".rstrip("/"), "s3a://", renames=False)


def parse_location(text: str | os.PathLike[str]) -> LocationSpec:
    """Check an output location (a local path or a ``file``, ``hdfs`` or ``s3a`` URI) without
    touching any file system. Raises :class:`OutputError` naming an unsupported scheme and
    the supported ones, or what is wrong with the URI."""
    raw = os.fspath(text)
    if not raw:
        raise OutputError(f"the output location is empty; give {SUPPORTED}")
    found = _SCHEME.match(raw)
    if found is None:
        return LocationSpec("file", "", os.path.abspath(raw), raw)
    scheme = found.group(1).lower()
    if scheme not in SCHEMES:
        hint = _HINTS.get(scheme, f"give {SUPPORTED}")
        raise OutputError(
            f"{raw}: the URI scheme '{scheme}://' is not supported for outputs "
            f"(supported: {', '.join(s + '://' for s in SCHEMES)} and local paths); {hint}"
        )
    parts = urlsplit(raw)
    if parts.query or parts.fragment:
        raise OutputError(
            f"{raw}: an output URI takes no '?' or '#' part; give file system settings as "
            "environment variables (driver) and spark.hadoop.* settings (executors), see "
            "docs/spark.md"
        )
    path = unquote(parts.path)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise OutputError(f"{raw}: a file:// URI names this machine: file:///abs/path")
        return LocationSpec("file", "", os.path.abspath(path), raw)
    if not parts.netloc:
        what = "the namenode (hdfs://host:port/path)" if scheme == "hdfs" else "the bucket"
        raise OutputError(f"{raw}: the URI does not name {what}")
    if "@" in parts.netloc:
        raise OutputError(
            f"{raw}: keep credentials out of the URI; see docs/spark.md for where they go"
        )
    if scheme == "s3a" and not path.strip("/"):
        raise OutputError(f"{raw}: give a folder inside the bucket (s3a://bucket/folder)")
    return LocationSpec(scheme, parts.netloc, "/" + path.strip("/"), raw)


def open_location(where: str | os.PathLike[str] | Location) -> Location:
    """The location ``where`` names, connected (a :class:`Location` is returned as it is)."""
    if isinstance(where, Location):
        return where
    return parse_location(where).open()


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a file system's error can go on for many),
    or the exception's class name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True, slots=True)
class Location:
    """A file or folder on one file system: ``fs`` (Arrow's), ``path`` (the file system's
    own path), ``prefix`` (which makes ``path`` a Hadoop URI) and ``renames`` (whether a
    folder rename is atomic there: true locally and on HDFS, false on object stores)."""

    fs: pafs.FileSystem
    path: str
    prefix: str
    renames: bool = True

    @property
    def uri(self) -> str:
        """This place as Hadoop names it, for Spark's readers and writers."""
        return self.prefix + self.path

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.uri

    def __truediv__(self, name: str) -> Location:
        return replace(self, path=f"{self.path.rstrip('/')}/{name}")

    def sibling(self, name: str) -> Location:
        """The place called ``name`` in the same folder."""
        return replace(self, path=f"{self.path.rstrip('/').rsplit('/', 1)[0]}/{name}")

    def local_path(self) -> Path | None:
        """This place as a local path, or None when it is not on this machine."""
        return Path(self.path) if isinstance(self.fs, pafs.LocalFileSystem) else None

    def require_local(self, who: str) -> Path:
        """This place as a local path; :class:`OutputError` when it is not on this machine."""
        local = self.local_path()
        if local is None:
            raise OutputError(f"{self.uri}: {who} reads and writes local folders only")
        return local

    # -- questions ---------------------------------------------------------------------------

    def _type(self) -> pafs.FileType:
        return self.fs.get_file_info(self.path).type

    def exists(self) -> bool:
        return bool(self._type() != pafs.FileType.NotFound)

    def is_file(self) -> bool:
        return bool(self._type() == pafs.FileType.File)

    def is_dir(self) -> bool:
        return bool(self._type() == pafs.FileType.Directory)

    def children(self) -> list[Location]:
        """What the folder holds (nothing when it does not exist), sorted by name."""
        found = self.fs.get_file_info(pafs.FileSelector(self.path, allow_not_found=True))
        return sorted((replace(self, path=i.path) for i in found), key=lambda c: c.name)

    def files(self, suffix: str = "", prefix: str = "") -> list[Location]:
        """The visible files of the folder whose names start with ``prefix`` and end with
        ``suffix``, sorted by name; hidden names (``.x``, ``_x``: checksums, Spark's
        ``_SUCCESS``, temporary files) are left out, as Hadoop does."""
        found = self.fs.get_file_info(pafs.FileSelector(self.path, allow_not_found=True))
        names = sorted(
            i.path
            for i in found
            if i.type == pafs.FileType.File
            and not i.base_name.startswith((".", "_"))
            and i.base_name.startswith(prefix)
            and i.base_name.endswith(suffix)
        )
        return [replace(self, path=p) for p in names]

    # -- changes -----------------------------------------------------------------------------

    def mkdir(self) -> None:
        """Create the folder (and its parents) when it is missing."""
        self.fs.create_dir(self.path, recursive=True)

    def remove(self) -> None:
        """Delete this file, or this folder and all it holds; nothing when it is missing."""
        kind = self._type()
        if kind == pafs.FileType.Directory:
            self.fs.delete_dir(self.path)
        elif kind != pafs.FileType.NotFound:
            self.fs.delete_file(self.path)

    def move_to(self, target: Location) -> None:
        """Rename this file or folder to ``target``, replacing a file there (atomic locally;
        HDFS renames only onto a free name, so there the old file is deleted first)."""
        if self.local_path() is None and target.is_file():
            target.remove()
        self.fs.move(self.path, target.path)

    # -- reading and writing -----------------------------------------------------------------

    def read_text(self) -> str:
        with self.fs.open_input_stream(self.path) as f:
            data: bytes = f.read()
        return data.decode("utf-8")

    def write_text(self, text: str) -> None:
        """Write a UTF-8 text file atomically (see the module docstring)."""
        with self.output() as f:
            f.write(text.encode("utf-8"))

    def open_input(self) -> pa.NativeFile:
        """The file, for random access (Parquet footers, Arrow files)."""
        return self.fs.open_input_file(self.path)

    def read_table(self, columns: list[str] | None = None) -> pa.Table:
        """A whole Parquet file."""
        with self.open_input() as f:
            return pq.read_table(f, columns=columns)

    @contextmanager
    def output(self) -> Iterator[Any]:
        """A stream to write this file through: it appears under its name, whole, when the
        block ends without an exception, and not at all when it does not."""
        if not self.renames:
            done = False
            try:
                with self.fs.open_output_stream(self.path) as stream:
                    yield stream
                done = True
            finally:
                if not done:
                    self.remove()
            return
        tmp = self.sibling(temporary_name(Path(self.name)).name)
        try:
            with self.fs.open_output_stream(tmp.path) as stream:
                yield stream
            tmp.move_to(self)
        finally:
            if tmp.exists():
                tmp.remove()
