#!/usr/bin/env python3
"""Writes one generated OVF shape to stdout, for bench/ovf-shapes.sh.

  ovf-shapes.py items N one-line|pretty   an Envelope whose VirtualHardwareSection holds N
                                          NIC Items (about 180 bytes each), on one line or
                                          indented
  ovf-shapes.py attributes N              one element with N distinct attributes
  ovf-shapes.py namespaces N              one element with N namespace declarations, and
                                          N attributes in those namespaces
"""
import sys

ENV = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"


def items(n, pretty, out):
    nl = "\n" if pretty else ""

    def ind(depth):
        return (" " * depth) if pretty else ""

    out.write('<?xml version="1.0" encoding="UTF-8"?>' + nl)
    out.write(f'<Envelope xmlns="{ENV}" xmlns:ovf="{ENV}" xmlns:rasd="{RASD}" xmlns:vssd="{VSSD}">' + nl)
    out.write(ind(1) + "<References/>" + nl)
    out.write(ind(1) + "<NetworkSection>" + nl + ind(2) + "<Info>Logical networks</Info>" + nl)
    out.write(ind(2) + '<Network ovf:name="lan"/>' + nl + ind(1) + "</NetworkSection>" + nl)
    out.write(ind(1) + '<VirtualSystem ovf:id="vm">' + nl + ind(2) + "<Info>generated</Info>" + nl)
    out.write(ind(2) + "<VirtualHardwareSection>" + nl + ind(3) + "<Info>hardware</Info>" + nl)
    out.write(ind(3) + "<System>" + nl)
    out.write(ind(4) + "<vssd:ElementName>Virtual Hardware Family</vssd:ElementName>" + nl)
    out.write(ind(4) + "<vssd:InstanceID>0</vssd:InstanceID>" + nl)
    out.write(ind(4) + "<vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>" + nl)
    out.write(ind(3) + "</System>" + nl)
    chunk = []
    for i in range(1, n + 1):
        chunk.append(
            f"{ind(3)}<Item>{nl}"
            f"{ind(4)}<rasd:Connection>lan</rasd:Connection>{nl}"
            f"{ind(4)}<rasd:ElementName>adapter {i}</rasd:ElementName>{nl}"
            f"{ind(4)}<rasd:InstanceID>{i}</rasd:InstanceID>{nl}"
            f"{ind(4)}<rasd:ResourceType>10</rasd:ResourceType>{nl}"
            f"{ind(3)}</Item>{nl}"
        )
        if len(chunk) == 10000:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))
    out.write(ind(2) + "</VirtualHardwareSection>" + nl + ind(1) + "</VirtualSystem>" + nl)
    out.write("</Envelope>\n")


def attributes(n, out):
    attrs = " ".join(f'a{i}="{i}"' for i in range(n))
    out.write(f'<Envelope xmlns="{ENV}"><References {attrs}/></Envelope>\n')


def namespaces(n, out):
    decls = " ".join(f'xmlns:p{i}="urn:example:{i}"' for i in range(n))
    attrs = " ".join(f'p{i}:a="{i}"' for i in range(n))
    out.write(f'<Envelope xmlns="{ENV}"><References {decls} {attrs}/></Envelope>\n')


def main():
    shape, n = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    if shape == "items":
        items(n, sys.argv[3] == "pretty", out)
    elif shape == "attributes":
        attributes(n, out)
    elif shape == "namespaces":
        namespaces(n, out)
    else:
        sys.exit(f"unknown shape {shape}")


if __name__ == "__main__":
    main()
