"""In-app notifications (the bell, /notifications) and the email each user opts into per kind."""
