"""redis-py, the Python client most people use, against a Magnetar RESP server: its default connection
(redis-py 8 says HELLO 3 as it connects), then RESP2 and RESP3 asked for explicitly. Prints one OK line
per check; any failure raises, and the exit status says so."""
import sys

import redis

port = int(sys.argv[1])
print("redis-py", redis.__version__)


def check(r, label):
    assert r.ping() is True
    assert r.set(label + ":k", "v") is True
    assert r.get(label + ":k") == b"v"
    assert r.get(label + ":missing") is None
    assert r.set(label + ":k", "w", nx=True) is None
    assert r.mget(label + ":k", label + ":missing") == [b"v", None]
    assert r.incr(label + ":n") == 1 and r.incrby(label + ":n", 41) == 42
    assert r.rpush(label + ":l", "a", "b", "c") == 3
    assert r.lrange(label + ":l", 0, -1) == [b"a", b"b", b"c"]
    assert r.lpop(label + ":l") == b"a"
    assert r.lpop(label + ":none") is None
    assert r.lpop(label + ":none", 2) is None
    assert r.config_get("appendonly") == {"appendonly": "no"}
    assert "db0" in r.info("keyspace")
    p = r.pipeline(transaction=False)
    for i in range(100):
        p.set("%s:p%d" % (label, i), i)
    p.get(label + ":p99")
    assert p.execute()[-1] == b"99"
    assert r.setex(label + ":e", 100, "v") is True and 99 <= r.ttl(label + ":e") <= 100
    assert r.expire(label + ":k", 50) is True and r.persist(label + ":k") is True and r.ttl(label + ":k") == -1
    assert r.type(label + ":l") in (b"list", "list") and r.setnx(label + ":k", "z") is False
    assert r.get(label + ":k") == b"v"
    assert r.set(label + ":k", "v2", get=True) == b"v" and r.set(label + ":e", "w", keepttl=True) is True
    assert 99 <= r.ttl(label + ":e") <= 100 and r.expire(label + ":e", 500, gt=True) is True
    assert r.hset(label + ":h", mapping={"a": 1, "b": "two"}) == 2 and r.hget(label + ":h", "a") == b"1"
    assert r.hgetall(label + ":h") == {b"a": b"1", b"b": b"two"} and r.hincrby(label + ":h", "a", 4) == 5
    assert r.hdel(label + ":h", "a", "b") == 2 and r.exists(label + ":h") == 0
    assert set(r.scan_iter(match=label + ":p1*")) == {("%s:p1%s" % (label, s)).encode() for s in [""] + [str(i) for i in range(10)]}
    assert label.encode() + b":l" in r.keys(label + ":*")
    t = r.pipeline()  # redis-py's default pipeline is a transaction: MULTI ... EXEC
    t.incr(label + ":t").incr(label + ":t").get(label + ":t")
    assert t.execute() == [1, 2, b"2"]
    t = r.pipeline()
    t.incr(label + ":t").lpush(label + ":k", "x").incr(label + ":t")
    assert t.execute(raise_on_error=False)[0:3:2] == [3, 4]

    def double(pipe):  # WATCH, read, MULTI, write, EXEC: retried by redis-py when the key changed
        n = int(pipe.get(label + ":t"))
        pipe.multi()
        pipe.set(label + ":t", n * 2)
    r.transaction(double, label + ":t")
    assert r.get(label + ":t") == b"8"
    try:
        r.lpush(label + ":k", "x")
        raise AssertionError("WRONGTYPE expected")
    except redis.ResponseError as e:
        assert str(e).startswith("WRONGTYPE"), e
    print("OK", label)


check(redis.Redis(port=port), "default")
check(redis.Redis(port=port, protocol=2), "resp2")
check(redis.Redis(port=port, protocol=3), "resp3")
named = redis.Redis(port=port, client_name="probe")
assert named.client_getname() in (b"probe", "probe"), named.client_getname()
assert named.client_id() > 0
print("OK client_name")
print("OK all")
