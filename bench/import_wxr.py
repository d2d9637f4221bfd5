"""A large WordPress import: time and peak memory.

``make bench-import`` runs ``python -m bench.import_wxr``: an embedded PostgreSQL under
``var/bench-postgres`` (or ``BENCH_DATABASE_URL``, an owner URL allowed to create
databases), a fresh ``causerie_imports`` database, migrated, the demo site seeded and
moved to the enterprise plan. A WXR file of ``BENCH_IMPORT_POSTS`` posts (default 10,000)
with ``BENCH_IMPORT_COMMENTS`` comments per post (default 5: 50,000, every third one a
reply) and 50 authors is written to ``var/bench-data`` as a stream, then imported by the
worker's own code in this process: the time of the run, and the process's peak resident
memory before and after it (``ru_maxrss``). One run on a shared machine: a measurement,
not a threshold.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import time
from pathlib import Path
from xml.sax.saxutils import escape

import asyncpg

from bench.run import JWT_SPEC

ROOT = Path(__file__).resolve().parent.parent
DB = "causerie_imports"
POSTS = int(os.environ.get("BENCH_IMPORT_POSTS", "10000"))
COMMENTS = int(os.environ.get("BENCH_IMPORT_COMMENTS", "5"))
AUTHORS = 50

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
"""
PARAGRAPH = (
    "Lorem ipsum dolor sit amet, <strong>consectetur</strong> adipiscing elit, sed do "
    'eiusmod tempor <a href="https://example.org/">incididunt</a> ut labore et dolore.'
)


def write_export(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for a in range(AUTHORS):
            out.write(
                f"<wp:author><wp:author_login>a{a}</wp:author_login>"
                f"<wp:author_email>a{a}@bench.example</wp:author_email>"
                f"<wp:author_display_name>Author {a}</wp:author_display_name></wp:author>\n"
            )
        cid = 0
        for p in range(1, POSTS + 1):
            body = "\n\n".join(PARAGRAPH for _ in range(6))
            out.write(
                f"<item><title>{escape(f'Post number {p}')}</title>"
                f"<link>https://bench.example/2019/05/post-{p}/</link>"
                f"<dc:creator>a{p % AUTHORS}</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{p}</wp:post_id>"
                f"<wp:post_date_gmt>2019-05-01 10:00:00</wp:post_date_gmt>"
                f"<wp:post_name>post-{p}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="post_tag" nicename="t{p % 30}"><![CDATA[Tag {p % 30}]]></category>'
            )
            first = cid + 1
            for c in range(COMMENTS):
                cid += 1
                parent = first if c % 3 == 2 else 0
                out.write(
                    f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
                    f"<wp:comment_author>Reader {cid % 997}</wp:comment_author>"
                    f"<wp:comment_author_email>r{cid % 997}@readers.example</wp:comment_author_email>"
                    "<wp:comment_date_gmt>2019-05-02 10:00:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[Thanks for post {p}, comment {c}.]]></wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _bench(owner_url) -> list[str]:
    from api.app import database_for
    from api.bootstrap import Services
    from api.demo import seed_demo
    from api.imports import runner
    from api.settings import Settings
    from domain.imports import use_cases
    from domain.imports.model import ImportOptions
    from domain.kernel.access import Principal
    from domain.tenants.use_cases import enter_tenant
    from persistence import jobs
    from persistence.database import sync_url
    from persistence.uow import SqlUnitOfWork

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=owner_url.render_as_string(hide_password=False),
        jwt_keys=JWT_SPEC,
        data_dir=ROOT / "var" / "bench-data",
    )
    db = database_for(settings)
    services = Services.from_settings(settings)
    await seed_demo(db, settings)
    path = Path(settings.data_dir) / "bench-export.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_export(path)
    written = time.perf_counter() - started
    # The owner role sees every tenant's rows (the app role only its tenant's).
    owner = await asyncpg.connect(sync_url(owner_url).render_as_string(hide_password=False))
    try:
        tenant_id, owner_id, blog_id = await owner.fetchrow(
            "SELECT t.id, m.user_id, b.id FROM tenants t JOIN memberships m ON "
            "m.tenant_id = t.id AND m.role = 'owner' JOIN blogs b ON b.tenant_id = t.id "
            "WHERE t.slug = 'demo' LIMIT 1"
        )
        await owner.execute(
            "UPDATE subscriptions SET plan_id = 'enterprise' WHERE tenant_id = $1", tenant_id
        )
        # Statistics, as autovacuum keeps them on a live server (a server may run with
        # autovacuum off, as the shared one here does): a table never analysed is planned
        # as if it were empty, and a look-up by primary key may then walk a whole tenant.
        await owner.execute("ANALYZE")
    finally:
        await owner.close()
    async with SqlUnitOfWork(db, user_id=owner_id) as uow:
        _, actor = await enter_tenant(uow, Principal(user_id=owner_id), "demo")
        with path.open("rb") as stream:
            summary = use_cases.summary_of(
                runner.reader_for(runner.sniff(stream.read(64)), _rewind(stream), None)
            )
        job = await use_cases.start_import(
            uow,
            actor,
            summary,
            ImportOptions(blog_id=blog_id),
            file_name=path.name,
            file_size=path.stat().st_size,
        )
        upload = runner.upload_path(services, tenant_id, job.id)
        upload.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, upload)
        raw = (await uow.connection.get_raw_connection()).driver_connection
        await jobs.enqueue_import(raw, tenant_id, job.id)
        await uow.commit()
    before = _peak_mb()
    started = time.perf_counter()
    done = await runner.run(db, services, tenant_id, job.id)
    took = time.perf_counter() - started
    after = _peak_mb()
    await db.dispose()
    size_mb = path.stat().st_size / 1024 / 1024
    return [
        f"export: {POSTS} posts, {POSTS * COMMENTS} comments, {size_mb:.1f} MB "
        f"(written in {written:.1f} s)",
        f"import: {done.state.value}, {done.report.posts} posts, {done.report.comments} "
        f"comments, {done.report.authors} authors, {done.report.redirects} redirects",
        f"time: {took:.1f} s ({done.report.posts / took:.0f} posts/s)",
        f"peak RSS: {before:.0f} MB before the run, {after:.0f} MB after",
    ]


def _rewind(stream):
    stream.seek(0)
    return stream


def main() -> None:
    from persistence import migrate
    from persistence.admin import ensure_database
    from persistence.database import async_url

    server = None
    if os.environ.get("BENCH_DATABASE_URL"):
        owner = async_url(os.environ["BENCH_DATABASE_URL"])
    else:
        from persistence.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(ROOT / "var" / "bench-postgres")
        owner = server.start()
    try:
        asyncio.run(ensure_database(owner, DB, recreate=True))
        url = owner.set(database=DB)
        migrate.upgrade(url)
        for line in asyncio.run(_bench(url)):
            print(line, flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
