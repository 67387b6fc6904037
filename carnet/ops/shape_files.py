"""The configuration files of the local production shape: HAProxy, PgBouncer, PostgreSQL, error pages.

The same texts are the starting point of a real installation (deploy/README.md): only addresses change."""

RETRY_AFTER = 5


def haproxy_cfg(root, front: int, apps: list[int], health: str, s3: tuple[int, int] | None = None) -> str:
    servers = "\n".join(f"    server app{n} 127.0.0.1:{port} check" for n, port in enumerate(apps, 1))
    errors = "\n".join(f"    errorfile {code} {root}/haproxy-{code}.http" for code in (502, 503, 504))
    return f"""global
    maxconn 4000
    stats socket {root}/haproxy.sock mode 600 level admin
    log stdout format short local0 warning

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 15s
    timeout check 5s
    timeout http-request 15s
    # A server that refuses the connection (killed, restarting): the request goes to the other one.
    retries 3
    option redispatch 1
    retry-on conn-failure
{errors}

frontend carnet
    bind 127.0.0.1:{front}
    default_backend app

backend app
    balance leastconn
    option httpchk
    http-check send meth GET uri {health} ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    # A killed server refuses the check at once (down within ~1 s); a busy one has 5 s to answer.
    default-server inter 1s fastinter 300ms downinter 500ms fall 3 rise 2 maxconn 16
{servers}
""" + (_s3_listen(*s3) if s3 else "")


def _s3_listen(port: int, server: int) -> str:
    """The S3 server behind the same HAProxy (TCP): ``disable server s3/store`` cuts the store away."""
    return f"""
listen s3
    mode tcp
    bind 127.0.0.1:{port}
    option tcplog
    timeout client 30s
    timeout server 30s
    server store 127.0.0.1:{server}
"""


def haproxy_error(code: int) -> str:
    reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}[code]
    body = f"{code} {reason}: carnet is unavailable for a moment, retry in {RETRY_AFTER} s\n"
    return (
        f"HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\n"
        f"Retry-After: {RETRY_AFTER}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
    )


def pgbouncer_ini(root, port: int, primary: int, standby: int, pool: int = 20) -> str:
    return f"""[databases]
carnet = host=127.0.0.1 port={primary} dbname=carnet
carnet_standby = host=127.0.0.1 port={standby} dbname=carnet

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {root}/pgbouncer-users.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = {pool}
reserve_pool_size = 5
server_reset_query =
server_login_retry = 1
query_wait_timeout = 10
server_connect_timeout = 3
ignore_startup_parameters = extra_float_digits,options
log_connections = 0
log_disconnections = 0
pidfile = {root}/sockets/pgbouncer.pid
"""


def postgresql_conf(port: int, socket_dir, synchronous: bool) -> str:
    lines = [
        f"port = {port}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{socket_dir}'",
        "wal_level = replica",
        "max_wal_senders = 8",
        "max_replication_slots = 8",
        "hot_standby = on",
        "hot_standby_feedback = on",
        "wal_keep_size = '512MB'",
        "max_connections = 200",
        "shared_buffers = '128MB'",
        # Synchronous replication: a commit is acknowledged once the standby has it on disk.
        f"synchronous_standby_names = '{'standby1' if synchronous else ''}'",
        "synchronous_commit = on",
    ]
    return "\n# carnet deploy-local\n" + "\n".join(lines) + "\n"
