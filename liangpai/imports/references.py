"""Looking up the towns, districts and industries a spreadsheet names, loaded once per import."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from liangpai.enterprises.models import Industry
from liangpai.imports.cells import CellError, code_from_text, shown
from liangpai.regions.models import District, Town

_CODE_AND_NAME = re.compile(r"^([A-Za-z]?)(\d{1,4})\s*(.*)$")


@dataclass
class References:
    towns: dict[str, Town] = field(default_factory=dict)
    districts: dict[tuple[int, str], District] = field(default_factory=dict)
    district_towns: dict[str, list[str]] = field(default_factory=dict)
    industries_by_code: dict[str, Industry] = field(default_factory=dict)
    industries_by_name: dict[str, Industry] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "References":
        refs = cls()
        towns = list(Town.objects.all())
        short_names: dict[str, list[Town]] = {}
        for town in towns:
            refs.towns[_key(town.name)] = town
            if town.short_name:
                short_names.setdefault(_key(town.short_name), []).append(town)
        for short, matches in short_names.items():
            if len(matches) == 1 and short not in refs.towns:
                refs.towns[short] = matches[0]
        towns_by_id = {t.pk: t for t in towns}
        for district in District.objects.all():
            refs.districts[(district.town_id, _key(district.name))] = district
            owner = towns_by_id.get(district.town_id)
            if owner is not None:
                refs.district_towns.setdefault(_key(district.name), []).append(owner.name)
        for industry in Industry.objects.all():
            refs.industries_by_code[industry.code.upper()] = industry
            refs.industries_by_name.setdefault(_key(industry.name), industry)
        return refs

    def town(self, raw: Any, text: str) -> Town:
        town = self.towns.get(_key(text))
        if town is None:
            raise CellError(_("镇/街道“%(value)s”不存在，请填写系统中已有的镇/街道名称。") % {"value": shown(raw)})
        return town

    def district(self, raw: Any, text: str, *, town: Town) -> District:
        name = _key(text)
        for candidate in (name, name + "片", name.removesuffix("片区") + "片"):
            district = self.districts.get((town.pk, candidate))
            if district is not None:
                return district
        elsewhere = [t for t in self.district_towns.get(name, []) if t != town.name]
        if elsewhere:
            raise CellError(
                _("片区“%(value)s”不属于“%(town)s”，而属于“%(other)s”。请核对镇/街道或片区。")
                % {"value": shown(raw), "town": town.name, "other": "、".join(elsewhere)}
            )
        raise CellError(_("“%(town)s”没有名为“%(value)s”的片区。") % {"value": shown(raw), "town": town.name})

    def industry(self, raw: Any, text: str) -> Industry:
        """GB/T 4754 by code first ("34", "C34", "3411" → its division "34", 6.0 → "06"), then by exact name."""
        code = code_from_text(text)
        if code.isdigit() and len(code) == 1:
            code = "0" + code  # a number cell dropped the leading zero of divisions 01–09
        found = self.industries_by_code.get(code) or self.industries_by_name.get(_key(text))
        if found is None:
            match = _CODE_AND_NAME.match(text)
            if match:
                digits, rest = match.group(2), match.group(3).strip()
                digits = digits.zfill(2) if len(digits) == 1 else digits
                for candidate in (digits, digits[:2]):
                    industry = self.industries_by_code.get(candidate)
                    if industry is not None and (not rest or _key(rest) == _key(industry.name)):
                        found = industry
                        break
        if found is None:
            raise CellError(
                _("行业“%(value)s”不在国民经济行业分类（GB/T 4754）中，请填写行业大类代码（如“34”）或其名称。")
                % {"value": shown(raw)}
            )
        return found


def _key(text: str) -> str:
    return text.replace(" ", "").lower()
