"""Helpers of the labeling tests: a project with labelers and a reviewer, a dataset version made
from generated items, a schema and a labeling project over it."""
from conftest import make_user
from datahelpers import tar_bytes, upload


class Setup:
    """A project `name` with two labelers (lab1, lab2) and a reviewer (a project manager)."""

    def __init__(self, server, admin, name):
        self.server, self.admin, self.p = server, admin, name
        admin.ok("POST", "/api/v1/projects", json={"name": name})
        self.users = {}
        for user, role in ((f"{name}-lab1", "labeler"), (f"{name}-lab2", "labeler"), (f"{name}-lab3", "labeler"),
                           (f"{name}-rev", "project-manager")):
            self.users[user] = make_user(server, admin, user)
            admin.ok("PUT", f"/api/v1/projects/{name}/members/{user}", json={"role": role})
        self.lab1, self.lab2, self.lab3 = (self.users[f"{name}-lab{i}"] for i in (1, 2, 3))
        self.rev = self.users[f"{name}-rev"]
        self.names = {"lab1": f"{name}-lab1", "lab2": f"{name}-lab2", "lab3": f"{name}-lab3", "rev": f"{name}-rev"}

    def dataset(self, ds, domain, members):
        """A dataset with one round of `members` ((path, bytes)) and its raw version; returns 'v1'."""
        self.admin.ok("POST", f"/api/v1/projects/{self.p}/datasets", json={"name": ds, "domain": domain})
        r = upload(self.admin, self.p, ds, tar_bytes(members))
        assert r.status_code == 200, r.text
        rnd = r.json()["round"]["number"]
        return self.admin.ok("POST", f"/api/v1/projects/{self.p}/datasets/{ds}/versions", json={"rounds": [rnd]})["version"]["name"]

    def labeling(self, name, ds, version, schema, spec, **extra):
        self.rev.ok("POST", f"/api/v1/projects/{self.p}/label-schemas", json={"name": schema, "spec": spec})
        body = {"name": name, "dataset": ds, "version": version, "schema": schema, **extra}
        return self.rev.ok("POST", f"/api/v1/projects/{self.p}/labeling", json=body)["labeling_project"]

    def lp(self, name):
        return f"/api/v1/projects/{self.p}/labeling/{name}"

    def mine(self, client, name):
        return client.ok("GET", self.lp(name) + "/assignments", params={"mine": "1"})["assignments"]
