"""Helpers shared by the data tests: in-memory tar archives and one-part uploads into a round."""
import io
import tarfile


def tar_bytes(members):
    """A tar archive of (name, bytes) pairs, built in memory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def upload(admin, project, ds, payload, fmt="archive", filename=None):
    """Uploads `payload` in one part and completes it; returns the response of the completion."""
    base = f"/api/v1/projects/{project}/datasets/{ds}"
    up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"{base}/uploads/{up}/parts/1", data=payload)
    body = {"format": fmt}
    if filename:
        body["filename"] = filename
    return admin.post(f"{base}/uploads/{up}/complete", json=body)
