; Inno Setup script: a per-machine installer for the onedir bundle in dist\codedesk.
; Built by .github/workflows/package.yml: iscc /DAppVersion=X.Y.Z packaging\windows\codedesk.iss
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B1C8E52-4F0A-4C55-9E0B-64643C0DE5C1}
AppName=CodeDesk
AppVersion={#AppVersion}
AppPublisher=CodeDesk
DefaultDirName={autopf}\CodeDesk
DefaultGroupName=CodeDesk
OutputDir=..\..\dist
OutputBaseFilename=CodeDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin

[Files]
Source: "..\..\dist\codedesk\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\CodeDesk"; Filename: "{app}\codedesk.exe"
Name: "{group}\Uninstall CodeDesk"; Filename: "{uninstallexe}"

[Registry]
; `codedesk` on PATH for IT scripts (removed with the uninstaller).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}'))

[Code]
function NeedsAddPath(Param: string): boolean;
var
  OrigPath: string;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE,
    'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', OrigPath)
  then begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Param) + ';', ';' + Uppercase(OrigPath) + ';') = 0;
end;
