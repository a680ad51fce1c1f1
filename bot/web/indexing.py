"""Re-indexing from the web console: a child `isobot index` process (the serving process never loads
the passage encoder), its progress kept in the database, the new index served when it is done."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Callable

from ..settings import Settings
from ..storage import WebStore

log = logging.getLogger("isobot.web")


class Indexer:
    def __init__(self, settings: Settings, web: WebStore, on_done: Callable[[dict], None] | None = None) -> None:
        self.settings = settings
        self.web = web
        self.on_done = on_done  # e.g. the bot in this process reloads its index
        self.task: asyncio.Task | None = None
        web.fail_stale_jobs()

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, staff_id: str) -> int:
        """Start a job, or return the one already running."""
        if self.running:
            return self.web.job()["id"]
        job_id = self.web.start_job(staff_id)
        self.task = asyncio.get_running_loop().create_task(self._run(job_id))
        return job_id

    async def _run(self, job_id: int) -> None:
        s = self.settings
        progress = s.data_dir / "web" / f"index-{job_id}.json"
        progress.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "bot.cli", "--knowledge", str(s.knowledge_dir), "--data", str(s.data_dir),
               "index", "--json", "--review", "--progress-file", str(progress)]
        try:
            proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE,
                                                        stderr=asyncio.subprocess.PIPE)
            out = asyncio.ensure_future(proc.communicate())
            while not out.done():
                await asyncio.wait([out], timeout=0.5)
                try:
                    p = json.loads(progress.read_text())
                    self.web.update_job(job_id, done=p["done"], total=p["total"])
                except (OSError, ValueError, KeyError):
                    pass
            stdout, stderr = out.result()
            if proc.returncode != 0:
                last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
                self.web.update_job(job_id, status="failed", error=last[0][:500])
                return
            report = json.loads(stdout.decode("utf-8"))
            self.web.update_job(job_id, status="done", report=json.dumps(report, ensure_ascii=False))
            if self.on_done:
                self.on_done(report)
        except Exception as e:  # the job must end, whatever happened
            log.exception("indexing job %s failed", job_id)
            self.web.update_job(job_id, status="failed", error=f"{type(e).__name__}: {e}"[:500])
        finally:
            Path(progress).unlink(missing_ok=True)
