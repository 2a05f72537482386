import { LOCATION_TYPES } from '../records/record.types';
import {
  FindingList,
  type Obj,
  checkGln,
  checkGlnExtension,
  checkGtin,
  checkLot,
  checkProvince,
  checkQuantity,
  checkTaxCode,
  isBlank,
  isIsoDate,
  isObj,
} from './field-checks';
import { type ValidationOptions, show } from './finding';

export function validateOrganization(r: Obj, f: FindingList): void {
  if (f.required(r, 'taxCode', 'mã số thuế')) checkTaxCode(f, r.taxCode, 'taxCode');
  f.required(r, 'name', 'organization name');
  if (f.required(r, 'provinceCode', 'two-digit province code'))
    checkProvince(f, r.provinceCode, 'provinceCode');
  if (!isBlank(r.gln)) checkGln(f, r.gln, 'gln');
  if (r.gs1CompanyPrefixes !== undefined) {
    if (!Array.isArray(r.gs1CompanyPrefixes))
      f.add(
        'GTIN_FORMAT',
        `gs1CompanyPrefixes must be an array of 6-12 digit strings, got ${show(r.gs1CompanyPrefixes)}`,
        'gs1CompanyPrefixes',
      );
    else
      r.gs1CompanyPrefixes.forEach((p, i) => {
        if (typeof p !== 'string' || !/^\d{6,12}$/.test(p))
          f.add('GTIN_FORMAT', `GS1 company prefix ${show(p)} must be 6-12 digits`, 'gs1CompanyPrefixes', i);
      });
  }
}

export function validateLocation(r: Obj, f: FindingList): void {
  if (f.required(r, 'gln', 'GLN, the location trace code')) checkGln(f, r.gln, 'gln');
  f.required(r, 'name', 'location name');
  if (
    f.required(r, 'type', LOCATION_TYPES.join('|')) &&
    !(LOCATION_TYPES as readonly unknown[]).includes(r.type)
  ) {
    f.add(
      'REQUIRED_FIELD',
      `location type ${show(r.type)} must be one of ${LOCATION_TYPES.join(', ')}`,
      'type',
    );
  }
  if (f.required(r, 'provinceCode', 'two-digit province code'))
    checkProvince(f, r.provinceCode, 'provinceCode');
  if (!isBlank(r.extension)) checkGlnExtension(f, r.extension, 'extension');
  if (!isBlank(r.ownerTaxCode)) checkTaxCode(f, r.ownerTaxCode, 'ownerTaxCode');
}

export function validateProduct(r: Obj, f: FindingList, options: ValidationOptions): void {
  if (f.required(r, 'gtin', 'GTIN, the product trace code')) checkGtin(f, r.gtin, 'gtin');
  const hasName = f.required(r, 'name', 'product name');
  const hasOwner = f.required(r, 'ownerTaxCode', "owner's tax code");
  if (hasOwner) checkTaxCode(f, r.ownerTaxCode, 'ownerTaxCode');
  const needsNet = options.policy?.requireNetContent !== false;
  const hasNet = needsNet ? f.required(r, 'netContent', 'net content {value, uom}') : !isBlank(r.netContent);
  if (hasNet) checkQuantity(f, r.netContent, 'netContent', 'netContent');
  const needsImage = options.policy?.requireProductImage === true;
  const hasImage =
    Array.isArray(r.imageUrls) &&
    r.imageUrls.some((u) => typeof u === 'string' && /^https?:\/\/\S+$/.test(u));
  const missing = [
    !hasName && 'name',
    !hasOwner && 'owner tax code',
    needsNet && !hasNet && 'net content',
    needsImage && !hasImage && 'an image URL',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) {
    f.add(
      'PORTAL_MINIMUM',
      `the portal cannot publish this product without ${missing.join(', ')} (Circular 02/2024 Art. 6.5)`,
      ...(needsImage && !hasImage && missing.length === 1 ? ['imageUrls'] : []),
    );
  }
  circularMinimum(f, [
    !hasImage && !needsImage && 'ảnh sản phẩm (imageUrls)',
    isBlank(r.producerName) && isBlank(r.producerAddress) && 'tên và địa chỉ cơ sở sản xuất (producerName, producerAddress)',
    isBlank(r.standards) && 'tiêu chuẩn áp dụng (standards, ví dụ TCVN, VietGAP)',
    !needsNet && !hasNet && 'khối lượng tịnh (netContent)',
  ]);
}

/**
 * The circular's list of what a published trace shows (Circular 02/2024/TT-BKHCN, the minimum
 * information: product name, image, producer name and address, production and business stages,
 * production time, trace code, brand or serial and shelf life where there are, applied
 * standards) goes beyond the contract's required fields. What a record lacks of it is one
 * CIRCULAR_MINIMUM warning, in Vietnamese for the province: the contract does not require these,
 * and making them errors would quarantine records valid under it.
 */
export function circularMinimum(f: FindingList, missing: Array<string | false>): void {
  const lacking = missing.filter((m): m is string => typeof m === 'string');
  if (lacking.length === 0) return;
  f.warn(
    'CIRCULAR_MINIMUM',
    `Thiếu thông tin tối thiểu theo Thông tư 02/2024/TT-BKHCN: ${lacking.join('; ')}. Bản ghi vẫn được đồng bộ; hãy bổ sung ở hệ thống của tỉnh.`,
  );
}

export function validateLot(r: Obj, f: FindingList): void {
  if (f.required(r, 'gtin', 'GTIN of the product')) checkGtin(f, r.gtin, 'gtin');
  if (f.required(r, 'lot', 'lot/batch number')) checkLot(f, r.lot, 'lot');
  for (const field of ['productionDate', 'expiryDate', 'bestBeforeDate']) {
    if (!isBlank(r[field]) && !isIsoDate(r[field]))
      f.add('DATE_ORDER', `${field} ${show(r[field])} is not a real date written YYYY-MM-DD`, field);
  }
  if (isIsoDate(r.productionDate)) {
    for (const field of ['expiryDate', 'bestBeforeDate']) {
      const d = r[field];
      if (isIsoDate(d) && d < r.productionDate)
        f.add('DATE_ORDER', `${field} ${d} is before productionDate ${r.productionDate}`, field);
    }
  }
  if (r.quantity !== undefined) checkQuantity(f, r.quantity, 'quantity', 'quantity');
  if (!isBlank(r.originGln)) checkGln(f, r.originGln, 'originGln');
  if (!isBlank(r.producerTaxCode)) checkTaxCode(f, r.producerTaxCode, 'producerTaxCode');
  circularMinimum(f, [isBlank(r.productionDate) && 'thời gian sản xuất (productionDate)']);
}

export { isObj };
