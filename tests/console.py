"""Running the `hezuo` console script in a subprocess, as an installation runs it: its own
settings read from the environment (none of the test run's), a data directory of its own,
and the umask of a typical login (022), so file modes are what an operator would see."""

import os
import subprocess
import sys
from pathlib import Path

HEZUO = Path(sys.executable).parent / "hezuo"
# What the test run sets for itself and an installation would not have.
NOT_PASSED_ON = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECRET_KEY",
                 "SECRET_KEY_FILE", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "HEZUO_HTTPS", "SECURE_COOKIES")


def hezuo(*args, data_dir, **env):
    """`hezuo ARGS…` with HEZUO_DATA_DIR=data_dir and `env` added; the finished process."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    environment.update(HEZUO_DATA_DIR=str(data_dir),
                       # pages render without collectstatic's manifest
                       STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage", **env)
    return subprocess.run([str(HEZUO), *args], env=environment, capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: os.umask(0o022))
