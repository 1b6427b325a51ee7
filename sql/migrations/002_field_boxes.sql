-- A field's box on its PDF page, like a fact's: an auditor lands on the printed value
-- (e.g. 三公经费 实际支出数) in SQL alone, without reading the file again.
alter table fields add column bbox_x0 double;
alter table fields add column bbox_top double;
alter table fields add column bbox_x1 double;
alter table fields add column bbox_bottom double;
