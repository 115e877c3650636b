"""The SageMaker request-shape constraints of given fields, read from botocore's own service model.

Called by scripts/generate-sagemaker-constraints.ts, which collects the fields the compiled pipeline
definitions use. Reads on stdin {"<Operation>": [[segment, ...], ...]} (a segment is a member name, a
map key or a list index) and prints, per operation, every node on those paths with its constraints:

    "AppSpecification.ContainerArguments[]": {"shape": "ContainerArgument", "type": "string",
                                                "min": 0, "max": 256, "pattern": ".*"}

Paths: structure members as ".Name", list members as "[]", map values as ".*" (the map node itself
carries the constraints of its keys under "key"). Nothing is retyped: every value comes from botocore.
"""
import json
import sys

import botocore
import botocore.session

CONSTRAINT_KEYS = ("min", "max", "pattern")


def describe(shape):
    node = {"shape": shape.name, "type": shape.type_name}
    for key in CONSTRAINT_KEYS:
        if key in shape.metadata:
            node[key] = shape.metadata[key]
    enum = getattr(shape, "enum", None)
    if enum:
        node["enum"] = list(enum)
    if shape.type_name == "map":
        node["key"] = describe(shape.key)
    return node


def walk(operation, input_shape, segments, out):
    shape = input_shape
    path = ""
    for segment in segments:
        if shape.type_name == "structure":
            if segment not in shape.members:
                raise SystemExit("%s has no member %s at %s (botocore %s)" % (operation, segment, path or "the request", botocore.__version__))
            shape = shape.members[segment]
            path = "%s.%s" % (path, segment) if path else segment
        elif shape.type_name == "list":
            shape = shape.member
            path += "[]"
        elif shape.type_name == "map":
            shape = shape.value
            path += ".*"
        else:
            raise SystemExit("%s: %s is a %s, it has no %r" % (operation, path, shape.type_name, segment))
        out[path] = describe(shape)


def main():
    wanted = json.load(sys.stdin)
    model = botocore.session.get_session().get_service_model("sagemaker")
    operations = {}
    for operation in sorted(wanted):
        nodes = {}
        input_shape = model.operation_model(operation).input_shape
        for segments in wanted[operation]:
            walk(operation, input_shape, segments, nodes)
        operations[operation] = dict(sorted(nodes.items()))
    json.dump({
        "source": {"botocore": botocore.__version__, "service": "sagemaker", "apiVersion": model.api_version},
        "operations": operations,
    }, sys.stdout)


if __name__ == "__main__":
    main()
