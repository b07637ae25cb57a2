"""One process of the PostgreSQL soak test (test_soak_postgres.py).

Started with the 'spawn' method: a fresh interpreter that sets up Django on
the parent's test database, then edits, restores and reviews the shared
resources until its time is up, and reports what it saved.
"""

import os
import random
import time


def run(database_url, user_id, slugs, seconds, seed, queue):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appel.settings")
    import django

    django.setup()
    from django.db import connection

    from appel.models import User
    from contributions import reviewing
    from resources.editing import EditConflict, edit_resource, restore_version
    from resources.models import Resource, ResourceVersion

    rng = random.Random(seed)
    user = User.objects.get(pk=user_id)
    saved, reviews, conflicts, errors = [], 0, 0, []
    deadline = time.monotonic() + seconds
    step = 0
    while time.monotonic() < deadline:
        step += 1
        slug = rng.choice(slugs)
        resource = Resource.objects.select_related("call", "latest_version").get(slug=slug)
        latest = resource.latest_version.number
        action = rng.random()
        try:
            if action < 0.55:
                # From the latest version or one a little older: a merge or a conflict.
                base = max(1, latest - rng.choice([0, 0, 1, 2]))
                lines = ResourceVersion.objects.get(resource=resource, number=base).content
                paragraphs = lines.rstrip("\n").split("\n\n")
                paragraphs[rng.randrange(len(paragraphs))] = f"p{user_id}-{step} {rng.random()}"
                result = edit_resource(
                    resource=resource,
                    author=user,
                    content="\n\n".join(paragraphs) + "\n",
                    base_version=base,
                    comment=f"worker {user_id} step {step}",
                )
            elif action < 0.75:
                result = restore_version(
                    resource=resource, author=user, number=rng.randint(1, latest)
                )
            else:
                version = ResourceVersion.objects.select_related("resource__call").get(
                    resource=resource, number=rng.randint(1, latest)
                )
                reviewing.record_review(version=version, reviewer=user, verdict="approve")
                reviews += 1
                continue
            if result.created:
                saved.append((slug, result.version.number, user_id, result.version.content_hash))
        except EditConflict:
            conflicts += 1
        except reviewing.ReviewNotAllowed:
            pass
        except Exception as error:  # reported to the parent, which fails the test
            errors.append(f"{type(error).__name__}: {error}")
    connection.close()
    queue.put({"saved": saved, "reviews": reviews, "conflicts": conflicts, "errors": errors})
