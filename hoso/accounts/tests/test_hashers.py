"""Password hashes: argon2id at 19 MiB, one hash at a time per process, and the hashes stored
with Django's defaults (100 MiB) still accepted and replaced at the next sign-in."""

from __future__ import annotations

import threading
import time
from typing import Any

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from tests.factories import UserFactory

BOUNDED = ["hoso.accounts.hashers.BoundedArgon2PasswordHasher"]
PASSWORD = "mat-khau-dai-du-10"  # noqa: S105 — a test password


@pytest.fixture
def bounded_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = BOUNDED  # the test settings use MD5 for speed


class Overlap:
    """Counts the argon2 computations running at the same moment."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def wrap(self, function: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                time.sleep(0.05)  # long enough for the other threads to arrive
                return function(*args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1

        return counted


def test_a_hash_is_argon2id_at_19_mib_one_pass_lane(bounded_hasher: None) -> None:
    encoded = make_password(PASSWORD)

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, encoded)
    assert not check_password(PASSWORD + "x", encoded)


def test_threads_signing_people_in_together_hash_one_at_a_time(
    bounded_hasher: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given six of a web server's threads hashing at once: three sign-ins, three new passwords
    stored = make_password(PASSWORD)
    overlap = Overlap()
    monkeypatch.setattr(argon2.low_level, "hash_secret", overlap.wrap(argon2.low_level.hash_secret))
    monkeypatch.setattr(argon2.PasswordHasher, "verify", overlap.wrap(argon2.PasswordHasher.verify))
    start = threading.Barrier(6)
    results: list[bool] = []

    def sign_in() -> None:
        start.wait()
        results.append(check_password(PASSWORD, stored))

    def new_password() -> None:
        start.wait()
        results.append(check_password(PASSWORD, make_password(PASSWORD)))

    threads = [threading.Thread(target=f) for f in [sign_in, new_password] * 3]
    # When
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every answer is right and no two hashes ran together
    assert results == [True] * 6
    assert overlap.most == 1


@pytest.mark.django_db
@pytest.mark.own_world
def test_a_hash_stored_with_djangos_defaults_is_accepted_and_replaced(
    bounded_hasher: None,
) -> None:
    # Given an account whose hash was made before: Django's argon2 defaults, 100 MiB
    person = UserFactory(username="gv.cu")
    person.password = Argon2PasswordHasher().encode(PASSWORD, "muoi-sau-ky-tu-16")
    person.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in person.password

    # When the person signs in
    accepted = person.check_password(PASSWORD)

    # Then the password is accepted and the hash is now the bounded one, in the database too
    person.refresh_from_db()
    assert accepted
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert person.check_password(PASSWORD)
