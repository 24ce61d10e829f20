"""The outside tools of tests/sbom_export.rs, run in the validators' venv (scripts/setup.sh puts
cyclonedx-python-lib[json-validation] and spdx-tools into target/venv-sbom):

  sbom_validate.py cyclonedx FILE   the official CycloneDX 1.6 JSON schema (strict), as
                                    cyclonedx-python-lib bundles it
  sbom_validate.py spdx FILE        spdx-tools' parser and SPDX 2.3 validation
  sbom_validate.py purls            stdin: a JSON list of {type, namespace, name, version,
                                    qualifiers}; stdout: each as packageurl-python writes it
  sbom_validate.py apk ARCHIVE      Alpine's installed database and os-release of a docker-archive,
                                    read with Python's tarfile (the last layer that has each wins)

Both validations also check that every purl in the document is what packageurl-python writes
back after parsing it (canonical). Problems go to stdout, one a line, and the exit code is 1.
"""
import io
import json
import sys
import tarfile

from packageurl import PackageURL


def purls_of(value):
    """Every string in the document that a purl field or a purl external ref holds."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("purl", "referenceLocator") and isinstance(v, str) and v.startswith("pkg:"):
                out.append(v)
            else:
                out.extend(purls_of(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(purls_of(v))
    return out


def check_purls(doc):
    problems = []
    for p in purls_of(doc):
        again = PackageURL.from_string(p).to_string()
        if again != p:
            problems.append(f"purl {p} is not canonical: packageurl-python writes {again}")
    return problems


def cyclonedx(path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = open(path, encoding="utf-8").read()
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    problems = [f"CycloneDX 1.6 schema: {error}"] if error is not None else []
    return problems + check_purls(json.loads(text))


def spdx(path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    document = parse_file(path)
    problems = [f"SPDX 2.3: {m.validation_message} ({m.context})" for m in validate_full_spdx_document(document, "SPDX-2.3")]
    return problems + check_purls(json.load(open(path, encoding="utf-8")))


def purls():
    specs = json.load(sys.stdin)
    print(json.dumps([PackageURL(**s).to_string() for s in specs]))
    return []


def apk(path):
    packages, os_release = None, {}
    with tarfile.open(path, "r:*") as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for layer in manifest[0]["Layers"]:
            with tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read()), mode="r:*") as t:
                for m in t.getmembers():
                    name = m.name.lstrip("./")
                    if name == "lib/apk/db/installed" and m.isfile():
                        packages = []
                        for stanza in t.extractfile(m).read().decode().split("\n\n"):
                            fields = dict(line.split(":", 1) for line in stanza.splitlines() if ":" in line)
                            if "P" in fields:
                                packages.append({"name": fields["P"], "version": fields.get("V"), "arch": fields.get("A"), "licence": fields.get("L")})
                    if name == "etc/os-release" and m.isfile():
                        for line in t.extractfile(m).read().decode().splitlines():
                            if "=" in line:
                                k, v = line.split("=", 1)
                                os_release[k] = v.strip('"')
    print(json.dumps({"packages": packages or [], "os_release": os_release}))
    return []


def main():
    kind = sys.argv[1]
    problems = {"cyclonedx": cyclonedx, "spdx": spdx, "apk": apk}[kind](sys.argv[2]) if kind != "purls" else purls()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
