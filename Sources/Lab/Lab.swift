// Module Lab: see ../shared/DESIGN.md "Parts". This file goes once the module has its types.
