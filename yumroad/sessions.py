"""Django's database sessions, each read with one SQL statement of ours.

Every page a logged-in user opens reads their session first. Through the
ORM's query builder that read cost more than everything else on a page
served from the template fragment cache: building the query and a model
from its row, not running it (README, Performance). The statement has
Django's conditions and reads the one column `load()` uses.
"""

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                # As the ORM stores datetimes (naive UTC text on SQLite).
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            # As Django's: an unknown or expired key starts a new session.
            self._session_key = None
            return None
        # load() reads only its data.
        return self.model(session_key=self.session_key, session_data=row[0])
