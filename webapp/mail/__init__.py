"""The mailer: every message is recorded in the outbox; SMTP delivers it when MAIL_SERVER is set.

from webapp import mail
mail.send(session, user.email, "Subject", "Body with a link")
"""

from webapp.mail.services import absolute_url, send

__all__ = ["absolute_url", "send"]
