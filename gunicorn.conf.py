# gunicorn reads this file from the directory it starts in (the Procfile's and the image's working directory).
# The access log names each request by method and path, without its query string or referrer: an officer's
# search carries a name or phone number there, and logs carry no personal data.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'
