"""A deploy helper that shells out."""

import subprocess
from subprocess import PIPE, Popen, check_output


def git_sha() -> str:
    return check_output(["git", "rev-parse", "HEAD"], text=True).strip()  # expect: RES101


def git_sha_bounded() -> str:
    return check_output(["git", "rev-parse", "HEAD"], text=True, timeout=10).strip()  # ok: RES101


def migrate() -> None:
    subprocess.run(["alembic", "upgrade", "head"], check=True)  # expect: RES101


def migrate_bounded() -> None:
    subprocess.run(["alembic", "upgrade", "head"], check=True, timeout=120)  # ok: RES101


def restart(unit: str) -> int:
    return subprocess.call(["systemctl", "restart", unit])  # expect: RES101


def reload(unit: str) -> None:
    subprocess.check_call(["systemctl", "reload", unit])  # expect: RES101


def forwarded(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, **kwargs)  # ok: RES101


def stream_logs(unit: str) -> bytes:
    proc = subprocess.Popen(["journalctl", "-u", unit], stdout=PIPE)
    out, _ = proc.communicate()  # expect: RES101
    return out


def stream_logs_bounded(unit: str) -> bytes:
    proc = Popen(["journalctl", "-u", unit], stdout=PIPE)
    out, _ = proc.communicate(None, 30)  # ok: RES101
    return out


def wait_for_exit(cmd: list) -> int:
    with subprocess.Popen(cmd) as proc:
        return proc.wait()  # expect: RES101


def wait_for_exit_bounded(cmd: list) -> int:
    # `wait(timeout)` takes the timeout first.
    with subprocess.Popen(cmd) as proc:
        return proc.wait(15)  # ok: RES101


def wait_keyword(cmd: list) -> int:
    proc = subprocess.Popen(cmd)
    return proc.wait(timeout=15)  # ok: RES101
