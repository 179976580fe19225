import { requireRole } from './require-role';
import { ForbiddenError, staffAuthErrorStatuses, StaffTokenError } from './staff-auth-errors';

const clinic = { subject: 'cara', name: 'Cara', role: 'clinic_staff' } as const;
const admin = { subject: 'ada', name: 'Ada', role: 'admin' } as const;

describe('requireRole', () => {
  it('lets an admin do what clinic staff may, and more', () => {
    expect(() => requireRole(admin, 'clinic_staff')).not.toThrow();
    expect(() => requireRole(admin, 'admin')).not.toThrow();
    expect(() => requireRole(clinic, 'clinic_staff')).not.toThrow();
  });

  it('refuses clinic staff what needs an admin, with a 403', () => {
    const error = (() => {
      try {
        requireRole(clinic, 'admin');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'forbidden',
      statusCode: 403,
      message: 'This needs the admin role',
    });
  });

  it('gives the HTTP statuses for createHttpApi', () => {
    expect(staffAuthErrorStatuses).toEqual([
      [StaffTokenError, 401],
      [ForbiddenError, 403],
    ]);
  });
});
